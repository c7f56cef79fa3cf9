// The compile-time drift check between a hand-written type in core/ (below contract/, so it cannot
// derive from zod) and `z.infer` of its schema here, declared once (issue 17 §3: it was written
// three times, in two strengths). Mutual assignability lets an optional field exist on one side
// only, at any depth; this is the exact check (the same type to the compiler, field by field,
// optional and readonly alike): two generic functions are assignable only when A and B are identical.

/** true when A and B are the same type, else false. */
export type Same<A, B> = (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2 ? true : false;

/** Fails the type check unless its type argument is `true`: `assertSame<Same<z.infer<typeof S>, T>>()`. */
export const assertSame = <_ extends true>(): void => undefined;
