/**
 * Two-sided geometric noise (the discrete Laplace mechanism): adding it to a count whose sensitivity is Δ gives
 * ε-differential privacy with P(X = x) ∝ exp(−ε|x|/Δ). `uniform` must return values in (0, 1) from a
 * cryptographic source (the API passes one built on `crypto.getRandomValues`); the domain stays pure.
 */
export const geometricNoise = (epsilon: number, sensitivity: number, uniform: () => number): number => {
  if (!(epsilon > 0) || !(sensitivity > 0)) throw new Error('epsilon and sensitivity must be positive');
  const alpha = Math.exp(-epsilon / sensitivity);
  const draw = () => {
    let u = uniform();
    while (!(u > 0 && u < 1)) u = uniform();
    return Math.floor(Math.log(u) / Math.log(alpha));
  };
  return draw() - draw();
};

/** The Laplace scale b = Δ/ε that the geometric noise approximates (what each figure reports). */
export const noiseScale = (epsilon: number, sensitivity: number): number => sensitivity / epsilon;
