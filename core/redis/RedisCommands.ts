/**
 * The few Redis commands a snapshot needs, wherever they run (ioredis over
 * TCP, or redis-cli inside the container). Replies come back as text.
 */
export interface RedisCommands {
	where: string;
	call(...args: string[]): Promise<string>;
	close(): Promise<void>;
}
