/** The three structures rolefit chooses between, in the order used to break exact ties. */
export const OUTCOMES = ["combine", "separate", "matrix"] as const;
export type Outcome = (typeof OUTCOMES)[number];
