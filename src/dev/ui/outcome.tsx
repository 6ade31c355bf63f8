/** An outcome as a badge: its word (never colour alone) on a colour that tells it at a glance. */
export function Outcome({ status }: { status: string }) {
  return <span class={`badge ${status}`}>{status}</span>;
}
