package io.ferry.core.filter;

/**
 * What one configured filter has done since its service went online.
 *
 * @param name the instance name
 * @param type the filter type
 * @param side where it runs
 * @param transactionsSeen transaction fragments it was given
 * @param transactionsChanged fragments it passed on changed
 * @param transactionsDropped fragments it dropped
 * @param rowsSeen row changes it was given
 * @param rowsDropped row changes it did not pass on (dropped with a transaction or one by one)
 * @param nanos time spent in it
 * @param budgetUsed the largest share of a per-transaction budget used (0 to 1), or -1
 */
public record FilterStats(
    String name,
    String type,
    FilterContext.Side side,
    long transactionsSeen,
    long transactionsChanged,
    long transactionsDropped,
    long rowsSeen,
    long rowsDropped,
    long nanos,
    double budgetUsed) {}
