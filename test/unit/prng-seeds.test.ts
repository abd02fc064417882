/** simulator/prng.ts: different seeds give different streams (seeds 1..9 used to collide). */
import { Prng, streamSeed } from '../../simulator/prng';

it('seeds 0..999 give 1,000 different stream seeds and first draws, per stream name', () => {
  for (const stream of ['traffic', 'chaos-harness', 'ids']) {
    const seeds = new Set(Array.from({ length: 1000 }, (_, s) => streamSeed(s, stream)));
    const draws = new Set(Array.from({ length: 1000 }, (_, s) => new Prng(s, stream).next()));
    expect({ seeds: seeds.size, draws: draws.size }).toEqual({ seeds: 1000, draws: 1000 });
  }
  expect(new Prng(1, 'traffic').next()).not.toBe(new Prng(2, 'traffic').next());
});
