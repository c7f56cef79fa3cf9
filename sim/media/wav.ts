/**
 * A small, valid, playable WAV for simulated audio results (text2audio, audio-tts): 8 kHz mono
 * 8-bit PCM, a tone whose pitch follows the seed, so the same creation id gives the same bytes.
 * At 8 kB per second a 10 s result stays under 100 kB.
 */
import { createHash } from 'node:crypto';

const RATE = 8000;

export function renderWav(seed: string, durationSeconds: number): Buffer {
  const samples = Math.max(1, Math.round(RATE * Math.max(0.1, durationSeconds)));
  const hz = 220 + (createHash('sha256').update(seed).digest().readUInt16BE(0) % 660);
  const out = Buffer.alloc(44 + samples);
  out.write('RIFF', 0, 'ascii');
  out.writeUInt32LE(36 + samples, 4);
  out.write('WAVE', 8, 'ascii');
  out.write('fmt ', 12, 'ascii');
  out.writeUInt32LE(16, 16); // fmt chunk size
  out.writeUInt16LE(1, 20); // PCM
  out.writeUInt16LE(1, 22); // mono
  out.writeUInt32LE(RATE, 24);
  out.writeUInt32LE(RATE, 28); // byte rate
  out.writeUInt16LE(1, 32); // block align
  out.writeUInt16LE(8, 34); // bits per sample
  out.write('data', 36, 'ascii');
  out.writeUInt32LE(samples, 40);
  for (let i = 0; i < samples; i++) out[44 + i] = 128 + Math.round(40 * Math.sin((2 * Math.PI * hz * i) / RATE));
  return out;
}
