/** The output formats by name: imported by the CLI entry to declare `--format`, without loading any renderer. */
export const FORMATS = ['text', 'json', 'markdown'] as const;
export type Format = (typeof FORMATS)[number];
