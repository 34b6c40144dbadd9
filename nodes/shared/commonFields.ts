import type { INodeProperties } from "n8n-workflow";

/** Fields every node that writes a backup set shows, in the same words. */
export function backupSetFields(defaultSetName: string): INodeProperties[] {
  return [
    {
      displayName: "Backup Root Folder",
      name: "backupRoot",
      type: "string",
      default: "~/.n8n-files/backups",
      required: true,
      description:
        "Folder that holds the backup sets, one subfolder per set name. n8n 2.x only allows folders under N8N_RESTRICT_FILE_ACCESS_TO (default ~/.n8n-files). In Docker, mount a volume here.",
    },
    {
      displayName: "Set Name",
      name: "setName",
      type: "string",
      default: defaultSetName,
      required: true,
      description:
        'Name of this backup series. Retention and restores work per set name. Letters, digits, ".", "_" and "-".',
    },
    {
      displayName: "Compression",
      name: "compression",
      type: "options",
      options: [
        { name: "Zstandard (Fast, Small)", value: "zstd" },
        { name: "Gzip (Widely Readable)", value: "gzip" },
        { name: "None", value: "none" },
      ],
      default: "zstd",
    },
  ];
}
