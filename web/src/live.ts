import { useEffect, useRef, useState } from 'react';

// EventSource with the cookie session (same origin), typed handlers, and a
// connection state for the "live" badge. The browser reconnects by itself and
// sends Last-Event-ID, which the server uses to replay what was missed.

export type StreamState = 'connecting' | 'open' | 'reconnecting';

export function useEventStream(url: string | null, handlers: Record<string, (data: any) => void>): StreamState {
  const [state, setState] = useState<StreamState>('connecting');
  const ref = useRef(handlers);
  ref.current = handlers;
  useEffect(() => {
    if (!url) return;
    const es = new EventSource(url, { withCredentials: true });
    setState('connecting');
    es.onopen = () => setState('open');
    es.onerror = () => setState(es.readyState === EventSource.CLOSED ? 'reconnecting' : 'reconnecting');
    const types = Object.keys(ref.current);
    const listeners = types.map((type) => {
      const fn = (e: MessageEvent) => {
        let data: unknown = e.data;
        try { data = JSON.parse(e.data); } catch { /* keep text */ }
        ref.current[type]?.(data);
      };
      es.addEventListener(type, fn as EventListener);
      return [type, fn] as const;
    });
    return () => {
      for (const [type, fn] of listeners) es.removeEventListener(type, fn as EventListener);
      es.close();
    };
    // handler identity changes every render; the set of event types does not
  }, [url]);
  return state;
}

/** Every event type of the case stream (GET /api/cases/stream). */
export const CASE_EVENT_TYPES = [
  'case.created', 'case.updated', 'case.status_changed', 'case.note_added', 'case.attachment_added', 'case.linked', 'case.repeat_contact',
] as const;

/** Calls `onChange(caseId)` whenever any case changes (someone else's edit, an automatic repeat link). */
export function useCaseChanges(onChange: (caseId: string) => void): StreamState {
  const handler = (d: { case?: { id?: string } }) => { if (d?.case?.id) onChange(d.case.id); };
  return useEventStream('/api/cases/stream', Object.fromEntries(CASE_EVENT_TYPES.map((t) => [t, handler])));
}

/** A short two-tone chime made with WebAudio (no sound file to ship). */
export function chime() {
  try {
    const Ctx = (window.AudioContext || (window as any).webkitAudioContext) as typeof AudioContext;
    const ctx = new Ctx();
    const now = ctx.currentTime;
    [880, 1175].forEach((f, i) => {
      const o = ctx.createOscillator();
      const g = ctx.createGain();
      o.frequency.value = f;
      o.type = 'sine';
      g.gain.setValueAtTime(0.0001, now + i * 0.16);
      g.gain.exponentialRampToValueAtTime(0.25, now + i * 0.16 + 0.02);
      g.gain.exponentialRampToValueAtTime(0.0001, now + i * 0.16 + 0.3);
      o.connect(g).connect(ctx.destination);
      o.start(now + i * 0.16);
      o.stop(now + i * 0.16 + 0.32);
    });
    setTimeout(() => ctx.close(), 1000);
  } catch { /* audio not available */ }
}
