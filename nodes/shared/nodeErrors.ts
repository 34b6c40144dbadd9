import { NodeOperationError, type INode, type JsonObject } from 'n8n-workflow';
import { isStackBackupError, redactSecrets, type StackBackupError } from '../../core';
import { fieldsSentence, type FieldNames } from './fieldNames';

/** The core's hint, followed by the field(s) of this panel it is about. */
export function hintFor(error: StackBackupError, fieldNames?: FieldNames): string | undefined {
	const fields = fieldsSentence(error.details, fieldNames);
	return [error.hint, fields].filter(Boolean).join(' ') || undefined;
}

/**
 * Turns a core error into what n8n shows and what the alert workflow's Error
 * Trigger receives: the message names the failure, the description carries
 * the hint (what to do next), and the code goes along for routing.
 */
export function toNodeError(node: INode, error: unknown, itemIndex: number, fieldNames?: FieldNames): NodeOperationError {
	if (error instanceof NodeOperationError) return error;
	if (isStackBackupError(error)) {
		return new NodeOperationError(node, `${error.message} [${error.code}]`, {
			itemIndex,
			description: hintFor(error, fieldNames),
		});
	}
	const message = redactSecrets((error as Error)?.message ?? String(error));
	return new NodeOperationError(node, message, { itemIndex });
}

/** The json of the error item that "Continue (using error output)" / continueOnFail emits. */
export function errorItemJson(error: unknown, fieldNames?: FieldNames): JsonObject {
	if (isStackBackupError(error)) {
		const field = error.details.field as string | undefined;
		return { error: error.message, code: error.code, hint: hintFor(error, fieldNames) ?? null, ...(field ? { field } : {}) };
	}
	const e = error as NodeOperationError;
	return { error: e.message, hint: e.description ?? null };
}
