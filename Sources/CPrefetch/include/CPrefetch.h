#ifndef CPREFETCH_H
#define CPREFETCH_H

/// Asks the CPU to bring the cache line at `address` in for writing, without waiting for it.
/// Aggregations that update accumulators at random prefetch a few rows ahead, so several
/// cache misses are in flight at once instead of one after another.
static inline void patron_prefetch_for_write(const void *address) {
    __builtin_prefetch(address, 1, 3);
}

#endif
