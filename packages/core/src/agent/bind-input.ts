import type { AnyActorLogic, InputFrom } from 'xstate';

/**
 * The same logic with its input fixed, for parents that spawn it without input (a room spawns
 * its members' logic by id only). Input given at spawn time still wins.
 */
export function bindInput<TLogic extends AnyActorLogic>(logic: TLogic, input: InputFrom<TLogic>): TLogic {
  return Object.create(logic, {
    getInitialSnapshot: {
      value: (scope: unknown, given: unknown) =>
        (logic.getInitialSnapshot as (scope: unknown, input: unknown) => unknown).call(
          logic,
          scope,
          given ?? input,
        ),
    },
  }) as TLogic;
}
