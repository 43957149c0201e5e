/** No-op activities for the engine floor; deliverAtr reports when it ran (the floor's "ATR accepted"). */
export function createFloorActivities(onDelivered: (id: string) => void, onOutcome: (id: string) => void) {
  const noop = async (_: { id: string }) => ({ ok: true });
  return {
    recordClosure: noop,
    renderAtr: noop,
    deliverAtr: async ({ id }: { id: string }) => {
      onDelivered(id);
      return { ok: true };
    },
    recordFeedback: noop,
    acknowledgeFeedback: noop,
    recordOutcome: async ({ id }: { id: string }) => {
      onOutcome(id);
      return { ok: true };
    },
  };
}

export type FloorActivities = ReturnType<typeof createFloorActivities>;
