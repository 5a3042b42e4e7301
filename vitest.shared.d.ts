export declare function reportersFor(packageDir: string): Record<string, unknown>;
