// aws-local-stepfunctions 3.0.0 calls Promise.withResolvers (Node 22+) on every Task state.
// On Node 20 every Task would fail with a TypeError, so this must load before the library
// (docs/sources.md#the-promisewithresolvers-polyfill). Remove when the project moves to Node 22.
type Resolvers<T> = { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void };
const P = Promise as unknown as { withResolvers?: <T>() => Resolvers<T> };
if (!P.withResolvers) {
  P.withResolvers = function withResolvers<T>(): Resolvers<T> {
    let resolve!: (v: T) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise<T>((a, b) => { resolve = a; reject = b; });
    return { promise, resolve, reject };
  };
}
export {};
