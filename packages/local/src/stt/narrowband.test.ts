import { addNoise, generateTone, muLawDecode, muLawEncode, resamplePcm16 } from '@chorus/audio';
import { describe, expect, it } from 'vitest';
import { fillHighBand, highBandDb, isNarrowband } from './narrowband.js';

/** Tones at 300 Hz-3.3 kHz (the telephone band) plus a little wideband noise: a stand-in for speech. */
function wideband(): Int16Array {
  const parts = [300, 1200, 3300].map((f) => generateTone(f, 500, 16000, 0.2));
  const mixed = new Int16Array(8000);
  for (const part of parts)
    for (let i = 0; i < mixed.length; i++) mixed[i] = (mixed[i] ?? 0) + (part[i] ?? 0);
  return addNoise(mixed, 0.02, 7);
}

describe('telephone audio for a wideband recogniser', () => {
  it('tells audio that passed through 8 kHz mu-law from wideband audio', async () => {
    const audio = wideband();
    expect(isNarrowband(audio)).toBe(false);
    const phone = await resamplePcm16(
      muLawDecode(muLawEncode(await resamplePcm16(audio, 16000, 8000))),
      8000,
      16000,
    );
    expect(highBandDb(phone)).toBeLessThan(-45);
    expect(isNarrowband(phone)).toBe(true);
    expect(isNarrowband(new Int16Array(1600))).toBe(false); // silence is not a kind of audio
  });

  it('fills the empty band with quiet noise and leaves the speech band as it was', async () => {
    const phone = await resamplePcm16(await resamplePcm16(wideband(), 16000, 8000), 8000, 16000);
    const filled = fillHighBand(phone, 30);
    expect(isNarrowband(filled)).toBe(false);
    // 30 dB below the signal, a quarter of it above 5 kHz: about -36 dB of the whole.
    expect(highBandDb(filled)).toBeGreaterThan(-40);
    expect(highBandDb(filled)).toBeLessThan(-30);
    // What was added is noise about 30 dB below the signal, nothing more.
    let signal = 0;
    let added = 0;
    for (let i = 0; i < phone.length; i++) {
      signal += (phone[i] ?? 0) ** 2;
      added += ((filled[i] ?? 0) - (phone[i] ?? 0)) ** 2;
    }
    const addedDb = 10 * Math.log10(added / signal);
    expect(addedDb).toBeGreaterThan(-33);
    expect(addedDb).toBeLessThan(-27);
    // The same audio is always filled the same way, so a turn decodes the same way twice.
    expect(fillHighBand(phone, 30)).toEqual(filled);
  });
});
