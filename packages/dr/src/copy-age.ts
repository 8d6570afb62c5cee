// The metric the copy function publishes and the DR stack alarms on: shared by the handler and the
// component, kept apart from the handler's HTTP client (a bundle-only dependency).

/** Where the copy function reports how old the newest DR copy is. */
export const DR_METRIC_NAMESPACE = "TDP/DR";

/** Hours since the newest available DR copy was made; dimension FunctionName. */
export const NEWEST_COPY_AGE_METRIC = "NewestCopyAgeHours";
