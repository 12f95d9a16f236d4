import { z } from 'zod';
import type { Role } from '../../../core/access.ts';
import type { Caller, DashboardDeps } from '../deps.ts';

/** No params, query or body. */
export const none = z.object({});
type Input = z.ZodObject | typeof none;

/** What a handler receives beside its validated input. */
export interface RouteContext {
  deps: DashboardDeps;
  caller: Caller;
}

/**
 * One API route: its schemas (which give the handler's types, the 400 details and the OpenAPI document) and a
 * plain handler of (validated input, context) → result. `role` is the least role allowed; `public` needs none.
 */
export interface Route<P extends Input = Input, Q extends Input = Input, B extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  method: 'get' | 'post' | 'delete';
  /** OpenAPI form, below /api/v1: `/findings/{id}`. */
  path: string;
  summary: string;
  role: Role | 'public';
  params: P;
  query: Q;
  /** `none` for routes without a body. */
  body: B;
  response: R;
  /** Success status (200 unless said). */
  status?: number;
  /** Error statuses the route can answer beside 400/401/403, for the document. */
  errors?: readonly number[];
  handler(input: { params: z.output<P>; query: z.output<Q>; body: z.output<B> }, ctx: RouteContext): Promise<z.input<R>>;
}

/** Declares a route with its types inferred from its schemas. */
export function route<P extends Input, Q extends Input, B extends z.ZodType, R extends z.ZodType>(spec: Route<P, Q, B, R>): Route<P, Q, B, R> {
  return spec;
}

/**
 * A route of any schemas, as the adapter and the document generator walk them (`handler` is a method, so a
 * route declared with narrower schemas is one of these; each is type-checked where it is declared).
 */
export type AnyRoute = Route;
