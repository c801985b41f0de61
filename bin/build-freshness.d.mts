export declare const SOURCE_DIRS: string[];
export declare const CONFIG_FILES: string[];
export declare const newestSourceTime: (root: string, dirs?: readonly string[], files?: readonly string[]) => number;
export declare const needsBuild: (root: string, entry: string, stamp: string) => boolean;
