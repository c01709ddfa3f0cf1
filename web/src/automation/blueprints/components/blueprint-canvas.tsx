import { useEffect, useMemo, useState } from 'react';
import {
  Background,
  Controls,
  MarkerType,
  ReactFlow,
  applyNodeChanges,
  useReactFlow,
  type Connection,
  type Edge,
  type Node,
  type NodeChange,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useTranslation } from 'react-i18next';
import type { BlueprintDefinition } from '../api';
import { edgesOf } from '../definition';

interface StateData extends Record<string, unknown> {
  label: string;
}

// Never zoom past natural size: a Blueprint with one or two states would otherwise fill the canvas.
const FIT = { padding: 0.2, maxZoom: 1 };

/** A state added from the list may land outside the view: fit the view again whenever the number of states changes. */
function FitOnNewState({ count }: { count: number }) {
  const flow = useReactFlow();
  useEffect(() => {
    // After React Flow has measured the new node.
    const timer = setTimeout(() => void flow.fitView({ ...FIT, duration: 200 }), 50);
    return () => clearTimeout(timer);
  }, [count, flow]);
  return null;
}

/**
 * The Blueprint drawn with React Flow: a node per state (dragged to place it), an arrow per transition and source
 * state. Connecting two nodes asks for a transition; clicking an arrow or a node opens its drawer. Positions are
 * written back to the definition when a drag ends.
 */
export function BlueprintCanvas({
  definition,
  labelOf,
  subtitleOf,
  problems,
  label,
  onMove,
  onConnect,
  onOpenState,
  onOpenTransition,
}: {
  definition: BlueprintDefinition;
  labelOf: (value: string) => string;
  /** A second line under a state's name (its time limit). */
  subtitleOf: (value: string) => string | null;
  /** States and transitions the server found fault with, drawn in red. */
  problems: Set<string>;
  label: string;
  onMove: (value: string, position: { x: number; y: number }) => void;
  onConnect: (from: string, to: string) => void;
  onOpenState: (value: string) => void;
  onOpenTransition: (id: string) => void;
}) {
  const { t } = useTranslation('automationBlueprints');
  const [nodes, setNodes] = useState<Array<Node<StateData>>>([]);

  // The definition is the truth; the local copy keeps what React Flow measures and the position while dragging.
  useEffect(() => {
    setNodes((current) =>
      definition.states.map((state) => {
        const before = current.find((node) => node.id === state.value);
        const subtitle = subtitleOf(state.value);
        return {
          ...before,
          id: state.value,
          position: before?.dragging ? before.position : state.position,
          data: { label: subtitle ? `${labelOf(state.value)}\n${subtitle}` : labelOf(state.value) },
          ariaLabel: labelOf(state.value),
          style: {
            whiteSpace: 'pre-line',
            fontSize: 13,
            borderColor: problems.has(`state:${state.value}`) ? 'var(--mantine-color-red-6)' : undefined,
            borderWidth: problems.has(`state:${state.value}`) ? 2 : undefined,
          },
        };
      }),
    );
  }, [definition.states, labelOf, subtitleOf, problems]);

  const edges = useMemo<Edge[]>(
    () =>
      edgesOf(definition).map((edge) => {
        const faulty = problems.has(`transition:${edge.transitionId}`);
        return {
          id: edge.id,
          source: edge.source,
          target: edge.target,
          label: edge.label,
          data: { transitionId: edge.transitionId },
          markerEnd: { type: MarkerType.ArrowClosed },
          style: faulty ? { stroke: 'var(--mantine-color-red-6)', strokeWidth: 2 } : { strokeWidth: 1.5 },
          labelStyle: { fontSize: 12, fill: faulty ? 'var(--mantine-color-red-7)' : undefined },
          labelBgPadding: [6, 3] as [number, number],
          labelBgBorderRadius: 4,
        };
      }),
    [definition, problems],
  );

  return (
    <ReactFlow
      nodes={nodes}
      edges={edges}
      onNodesChange={(changes: Array<NodeChange<Node<StateData>>>) => setNodes((current) => applyNodeChanges(changes, current))}
      onNodeDragStop={(_, node) => onMove(node.id, { x: Math.round(node.position.x), y: Math.round(node.position.y) })}
      onConnect={(connection: Connection) => connection.source && connection.target && onConnect(connection.source, connection.target)}
      onNodeClick={(_, node) => onOpenState(node.id)}
      onEdgeClick={(_, edge) => onOpenTransition(String((edge.data as { transitionId: string }).transitionId))}
      edgesReconnectable={false}
      deleteKeyCode={null}
      fitView
      fitViewOptions={FIT}
      aria-label={label}
      ariaLabelConfig={{
        'node.a11yDescription.default': t('canvasA11y.node'),
        'node.a11yDescription.keyboardDisabled': t('canvasA11y.node'),
        'edge.a11yDescription.default': t('canvasA11y.edge'),
        'controls.ariaLabel': t('canvasA11y.controls'),
        'controls.zoomIn.ariaLabel': t('canvasA11y.zoomIn'),
        'controls.zoomOut.ariaLabel': t('canvasA11y.zoomOut'),
        'controls.fitView.ariaLabel': t('canvasA11y.fitView'),
      }}
    >
      <FitOnNewState count={definition.states.length} />
      <Background gap={20} />
      <Controls showInteractive={false} />
    </ReactFlow>
  );
}
