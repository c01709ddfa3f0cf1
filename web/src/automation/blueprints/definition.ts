import type { BlueprintDefinition, BlueprintState, BlueprintTransition, NoteMode, TransitionWho } from './api';

/**
 * Pure edits of a Blueprint definition for the editor: states, transitions, the graph's edges. Each returns a new
 * definition; the server checks the result again when it is saved.
 */

/** A definition as the API may answer it: positions, `before`, `during` and `after` may be left out. */
export interface StoredDefinition {
  states: Array<Omit<BlueprintState, 'position'> & { position?: { x: number; y: number } }>;
  transitions: Array<
    Pick<BlueprintTransition, 'id' | 'name' | 'from' | 'to'> & {
      before?: { who?: Partial<TransitionWho>; criteria?: BlueprintTransition['before']['criteria'] };
      during?: { requiredFields?: string[]; note?: NoteMode; attachment?: NoteMode };
      after?: BlueprintTransition['after'];
    }
  >;
}

/** Every optional part filled in, so the editor never meets a missing one; states without a position are laid out. */
export function normalizeDefinition(stored: StoredDefinition): BlueprintDefinition {
  const states: BlueprintState[] = [];
  for (const state of stored.states) states.push({ ...state, position: state.position ?? nextPosition(states) });
  return {
    states,
    transitions: stored.transitions.map((transition) => ({
      id: transition.id,
      name: transition.name,
      from: transition.from,
      to: transition.to,
      before: {
        who: {
          owner: transition.before?.who?.owner ?? false,
          users: transition.before?.who?.users ?? [],
          roles: transition.before?.who?.roles ?? [],
          groups: transition.before?.who?.groups ?? [],
        },
        criteria: transition.before?.criteria ?? null,
      },
      during: {
        requiredFields: transition.during?.requiredFields ?? [],
        note: transition.during?.note ?? 'none',
        attachment: transition.during?.attachment ?? 'none',
      },
      after: transition.after ?? [],
    })),
  };
}

/** Where a new state goes: to the right of the rightmost one, on a loose grid. */
export function nextPosition(states: BlueprintState[]): { x: number; y: number } {
  if (states.length === 0) return { x: 40, y: 80 };
  const right = Math.max(...states.map((state) => state.position.x));
  return { x: right + 240, y: 80 + (states.length % 3) * 120 };
}

export function addState(definition: BlueprintDefinition, value: string): BlueprintDefinition {
  if (definition.states.some((state) => state.value === value)) return definition;
  return { ...definition, states: [...definition.states, { value, position: nextPosition(definition.states) }] };
}

/** Removing a state also removes it from every transition; transitions left without a source or a target go. */
export function removeState(definition: BlueprintDefinition, value: string): BlueprintDefinition {
  return {
    states: definition.states.filter((state) => state.value !== value),
    transitions: definition.transitions
      .filter((transition) => transition.to !== value)
      .map((transition) => ({ ...transition, from: transition.from.filter((from) => from !== value) }))
      .filter((transition) => transition.from.length > 0),
  };
}

export function updateState(definition: BlueprintDefinition, value: string, patch: Partial<BlueprintState>): BlueprintDefinition {
  return { ...definition, states: definition.states.map((state) => (state.value === value ? { ...state, ...patch } : state)) };
}

/** A transition id the Blueprint does not use yet, made from its name (`^[a-z0-9_-]{1,40}$`). */
export function transitionId(name: string, taken: string[]): string {
  const base =
    name
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, 34) || 't';
  let id = base;
  for (let n = 2; taken.includes(id); n++) id = `${base}_${n}`;
  return id;
}

export function newTransition(name: string, from: string, to: string, taken: string[]): BlueprintTransition {
  return {
    id: transitionId(name, taken),
    name,
    from: [from],
    to,
    before: { who: { owner: false, users: [], roles: [], groups: [] }, criteria: null },
    during: { requiredFields: [], note: 'none', attachment: 'none' },
    after: [],
  };
}

/**
 * Connecting two states on the canvas: a new transition named after the target, unless one already goes from the
 * source to the target (then that one is answered, for opening it). More source states are added in its drawer.
 */
export function connect(
  definition: BlueprintDefinition,
  from: string,
  to: string,
  nameOf: (value: string) => string,
): { definition: BlueprintDefinition; transitionId: string | null } {
  if (from === to) return { definition, transitionId: null };
  const existing = definition.transitions.find((transition) => transition.to === to && transition.from.includes(from));
  if (existing) return { definition, transitionId: existing.id };
  const transition = newTransition(
    nameOf(to),
    from,
    to,
    definition.transitions.map((candidate) => candidate.id),
  );
  return { definition: { ...definition, transitions: [...definition.transitions, transition] }, transitionId: transition.id };
}

export function updateTransition(definition: BlueprintDefinition, id: string, patch: Partial<BlueprintTransition>): BlueprintDefinition {
  return {
    ...definition,
    transitions: definition.transitions.map((transition) => (transition.id === id ? { ...transition, ...patch } : transition)),
  };
}

export function removeTransition(definition: BlueprintDefinition, id: string): BlueprintDefinition {
  return { ...definition, transitions: definition.transitions.filter((transition) => transition.id !== id) };
}

/** One edge per (transition, from state): the canvas draws a transition with several sources as several arrows. */
export function edgesOf(
  definition: BlueprintDefinition,
): Array<{ id: string; transitionId: string; source: string; target: string; label: string }> {
  return definition.transitions.flatMap((transition) =>
    transition.from.map((from) => ({
      id: `${transition.id}:${from}`,
      transitionId: transition.id,
      source: from,
      target: transition.to,
      label: transition.name,
    })),
  );
}

/**
 * The server's 400 answer names a place in the definition (`definition.transitions.2.during.requiredFields`,
 * `/definition/states/0/value` …): which state or transition it is about, for showing the message beside it.
 */
export function placeOfError(definition: BlueprintDefinition, path: string): { kind: 'state' | 'transition'; key: string } | null {
  const match = /(states|transitions)[./[]+(\d+)/.exec(path);
  if (!match) return null;
  const index = Number(match[2]);
  if (match[1] === 'states') {
    const state = definition.states[index];
    return state ? { kind: 'state', key: state.value } : null;
  }
  const transition = definition.transitions[index];
  return transition ? { kind: 'transition', key: transition.id } : null;
}
