/** The template copied into a new project. */
export declare const TEMPLATE_DIR: string;
/** This package's version, which is also the version of the @chorus/* packages it depends on. */
export declare function ownVersion(): string;
/** The new project's package.json. */
export declare function projectPackageJson(
  name: string,
  version: string,
): {
  name: string;
  version: string;
  private: true;
  type: 'module';
  engines: { node: string };
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
/** Writes a new Chorus project into `target`, which must be missing or empty; returns its absolute path. */
export declare function scaffold(target: string, options?: { version?: string }): string;
