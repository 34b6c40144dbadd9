import { StackBackupError } from '../errors/StackBackupError';
import { aboutFields, type OptionField } from './optionFields';

/** INVALID_INPUT about one input: the message says what is wrong, the hint what to give instead. */
export function invalidOption(field: OptionField, message: string, hint: string): StackBackupError {
	return new StackBackupError('INVALID_INPUT', message, { hint, details: aboutFields(field) });
}
