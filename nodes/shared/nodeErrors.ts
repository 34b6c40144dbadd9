import { NodeOperationError, type INode, type JsonObject } from 'n8n-workflow';
import { isStackBackupError, redactSecrets } from '../../core';

/**
 * Turns a core error into what n8n shows and what the alert workflow's Error
 * Trigger receives: the message names the failure, the description carries
 * the hint (what to do next), and the code goes along for routing.
 */
export function toNodeError(node: INode, error: unknown, itemIndex: number): NodeOperationError {
	if (error instanceof NodeOperationError) return error;
	if (isStackBackupError(error)) {
		return new NodeOperationError(node, `${error.message} [${error.code}]`, {
			itemIndex,
			description: error.hint,
		});
	}
	const message = redactSecrets((error as Error)?.message ?? String(error));
	return new NodeOperationError(node, message, { itemIndex });
}

/** The json of the error item that "Continue (using error output)" / continueOnFail emits. */
export function errorItemJson(error: unknown): JsonObject {
	if (isStackBackupError(error)) return { error: error.message, code: error.code, hint: error.hint ?? null };
	const e = error as NodeOperationError;
	return { error: e.message, hint: e.description ?? null };
}
