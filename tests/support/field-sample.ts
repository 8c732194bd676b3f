/**
 * Interviews drawn independently from the study report's published percentages: the generator
 * and its figures live with the preview's demo data (dev/preview/demo-sample.ts), so the
 * tests and the demo draw from the same, reviewed table.
 */
export { fieldSample, MULTI_SHARES, SINGLE_SHARES, type FieldSampleOptions } from "../../dev/preview/demo-sample.ts";
