/** The bundler resolves `require` of our own package.json at build time (for the version). */
declare function require(id: '../package.json'): { version: string };

/** SVG files are bundled as their text (for LabIcon). */
declare module '*.svg' {
  const svgText: string;
  export default svgText;
}
