import { describe, expect, it } from 'vitest';
import type { BlueprintDefinition } from './api';
import { addState, connect, edgesOf, normalizeDefinition, placeOfError, removeState, transitionId, updateTransition } from './definition';

const empty: BlueprintDefinition = { states: [], transitions: [] };
const label = (value: string) => ({ contacted: 'Contactado', qualified: 'Cualificado' })[value] ?? value;

describe('Blueprint definition edits', () => {
  it('adds a state once, to the right of the others', () => {
    const one = addState(empty, 'not_contacted');
    const two = addState(one, 'contacted');
    expect(two.states.map((state) => state.value)).toEqual(['not_contacted', 'contacted']);
    expect(two.states[1]!.position.x).toBeGreaterThan(two.states[0]!.position.x);
    expect(addState(two, 'contacted')).toBe(two);
  });

  it('makes transition ids from names, unique and in the allowed alphabet', () => {
    expect(transitionId('Sin respuesta', [])).toBe('sin_respuesta');
    expect(transitionId('Cualificación ¡ya!', ['cualificacion_ya'])).toBe('cualificacion_ya_2');
    expect(transitionId('¿?', [])).toBe('t');
    expect(transitionId('x'.repeat(80), [])).toMatch(/^[a-z0-9_-]{1,40}$/);
  });

  it('connecting two states makes a transition named after the target; the same pair again opens it', () => {
    let definition = addState(addState(addState(empty, 'not_contacted'), 'attempted'), 'contacted');
    const first = connect(definition, 'not_contacted', 'contacted', label);
    expect(first.transitionId).toBe('contactado');
    definition = first.definition;
    expect(definition.transitions[0]).toMatchObject({ name: 'Contactado', from: ['not_contacted'], to: 'contacted' });
    const again = connect(definition, 'not_contacted', 'contacted', label);
    expect(again.definition).toBe(definition);
    expect(again.transitionId).toBe('contactado');
    expect(connect(definition, 'contacted', 'contacted', label).transitionId).toBeNull();
  });

  it('draws one edge per source state of a transition', () => {
    let definition = addState(addState(addState(empty, 'not_contacted'), 'attempted'), 'contacted');
    definition = connect(definition, 'not_contacted', 'contacted', label).definition;
    definition = updateTransition(definition, 'contactado', { from: ['not_contacted', 'attempted'] });
    expect(edgesOf(definition).map((edge) => [edge.source, edge.target, edge.label])).toEqual([
      ['not_contacted', 'contacted', 'Contactado'],
      ['attempted', 'contacted', 'Contactado'],
    ]);
  });

  it('removing a state removes it from transitions, and transitions left without source or target', () => {
    let definition = addState(addState(addState(empty, 'not_contacted'), 'attempted'), 'contacted');
    definition = connect(definition, 'not_contacted', 'contacted', label).definition;
    definition = updateTransition(definition, 'contactado', { from: ['not_contacted', 'attempted'] });
    definition = connect(definition, 'attempted', 'not_contacted', label).definition;
    const withoutAttempted = removeState(definition, 'attempted');
    expect(withoutAttempted.transitions.map((transition) => [transition.id, transition.from])).toEqual([['contactado', ['not_contacted']]]);
    expect(removeState(definition, 'contacted').transitions.map((transition) => transition.to)).toEqual(['not_contacted']);
  });

  it('finds the state or transition a server error names', () => {
    let definition = addState(addState(empty, 'not_contacted'), 'contacted');
    definition = connect(definition, 'not_contacted', 'contacted', label).definition;
    expect(placeOfError(definition, 'definition.transitions.0.during.requiredFields')).toEqual({ kind: 'transition', key: 'contactado' });
    expect(placeOfError(definition, '/definition/states/1/value')).toEqual({ kind: 'state', key: 'contacted' });
    expect(placeOfError(definition, 'definition.transitions[0].from[0]')).toEqual({ kind: 'transition', key: 'contactado' });
    expect(placeOfError(definition, 'definition.transitions[3].to')).toBeNull();
    expect(placeOfError(definition, 'name')).toBeNull();
  });

  it('fills in what the API may leave out', () => {
    const definition = normalizeDefinition({
      states: [{ value: 'not_contacted' }, { value: 'contacted', position: { x: 500, y: 10 } }],
      transitions: [{ id: 'contacted', name: 'Contactado', from: ['not_contacted'], to: 'contacted', during: { note: 'optional' } }],
    });
    expect(definition.states[0]!.position).toEqual({ x: 40, y: 80 });
    expect(definition.states[1]!.position).toEqual({ x: 500, y: 10 });
    expect(definition.transitions[0]).toEqual({
      id: 'contacted',
      name: 'Contactado',
      from: ['not_contacted'],
      to: 'contacted',
      before: { who: { owner: false, users: [], roles: [], groups: [] }, criteria: null },
      during: { requiredFields: [], note: 'optional', attachment: 'none' },
      after: [],
    });
  });
});
