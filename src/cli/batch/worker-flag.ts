/** The argument a batch's worker threads are started with: the bundle's other entry. */
export const BATCH_WORKER = "--rolefit-batch-worker";
