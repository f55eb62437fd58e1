// The echogarden wasm packages ship no type declarations; these are the entry points used here.
declare module '@echogarden/fvad-wasm' {
  const createModule: () => Promise<unknown>;
  export default createModule;
}
