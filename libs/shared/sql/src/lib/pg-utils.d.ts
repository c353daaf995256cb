// node-postgres's value conversion, exported by the package (pg/lib/*) but not in its type declarations.
declare module 'pg/lib/utils.js' {
  const utils: { prepareValue(value: unknown): unknown };
  export default utils;
}
