// The build turns a stylesheet import into its minified text (scripts/build.mjs).
declare module '*.css' {
  const text: string;
  export default text;
}
