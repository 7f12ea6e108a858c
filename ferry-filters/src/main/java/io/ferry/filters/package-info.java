/**
 * The built-in filters: each one a {@link io.ferry.core.filter.FilterFactory} registered in {@code
 * META-INF/services/io.ferry.core.filter.FilterFactory}, with its filter class beside it.
 */
package io.ferry.filters;
