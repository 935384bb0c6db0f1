/** The bundler resolves `require` of our own package.json at build time (for the version). */
declare function require(id: '../package.json'): { version: string };
