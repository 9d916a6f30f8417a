import type { Speaker } from '../core/types.js';

// Events the audio path reports besides utterances, for logs and metrics.
// None carries transcript text or audio.

interface SegmentRef {
  callId: string;
  speaker: Speaker;
  /** Segment index on the channel; the utterance id is `${callId}:${speaker}:${index}`. */
  index: number;
  startMs: number;
  endMs: number;
}

export type AudioEvent =
  | ({ type: 'segment' } & SegmentRef)
  /** STT failed; the segment's WAV is kept and will be retried. */
  | ({ type: 'stt-pending'; utteranceId: string; tries: number; error: string; path: string } & SegmentRef)
  /** A kept segment was transcribed on a later try. */
  | ({ type: 'stt-recovered'; utteranceId: string; tries: number } & SegmentRef)
  /** Gave up after the last try; the WAV stays on disk (path) for a person to look at. */
  | ({ type: 'stt-failed'; utteranceId: string; tries: number; error: string; path: string } & SegmentRef);

export type AudioEventHandler = (e: AudioEvent) => void;

export const utteranceId = (callId: string, speaker: Speaker, index: number) => `${callId}:${speaker}:${index}`;
