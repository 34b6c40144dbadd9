// Run folders are named by their UTC start time so that a plain sort is a
// time sort, with no ":" (invalid on some filesystems and awkward in shells).
const RUN_FOLDER = /^(\d{4})-(\d{2})-(\d{2})T(\d{2})-(\d{2})-(\d{2})\.(\d{3})Z$/;

export function runFolderName(date: Date): string {
	return date.toISOString().replace(/:/g, '-');
}

/** The start time encoded in a run folder name, or null if the name is not one of ours. */
export function parseRunFolderName(name: string): Date | null {
	const m = RUN_FOLDER.exec(name);
	if (!m) return null;
	const date = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.${m[7]}Z`);
	return Number.isNaN(date.getTime()) ? null : date;
}
