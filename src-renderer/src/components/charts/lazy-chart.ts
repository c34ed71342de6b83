import { defineAsyncComponent } from 'vue';

/**
 * QChart, loaded on first use: ECharts is about half a megabyte, so it arrives as its own chunk
 * when a view first draws a chart, not with the app's first paint.
 */
export const LazyChart = defineAsyncComponent(() => import('./QChart.vue'));
