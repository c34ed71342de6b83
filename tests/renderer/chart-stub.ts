/**
 * Stands in for vue-echarts in component tests (happy-dom has no canvas): renders a plain
 * element, keeps the props it was given, and lets a test emit the chart's events.
 * Use with `vi.mock('vue-echarts', () => import('./chart-stub.ts'))`.
 */
import { flushPromises, type VueWrapper } from '@vue/test-utils';
import { vi } from 'vitest';
import { defineComponent, h } from 'vue';

export interface ChartStubProps {
  option: unknown;
  initOptions: unknown;
  autoresize: unknown;
}

const VChartStub = defineComponent({
  name: 'VChartStub',
  props: {
    option: { type: Object, default: undefined },
    initOptions: { type: Object, default: undefined },
    autoresize: { type: [Boolean, Object], default: undefined },
  },
  emits: ['click'],
  setup: () => () => h('div', { 'data-testid': 'vchart' }),
});

export default VChartStub;

/** The (first) chart stub inside a mounted wrapper. */
export function chartStub(wrapper: VueWrapper, index = 0) {
  const all = wrapper.findAllComponents(VChartStub);
  const stub = all[index];
  if (!stub) throw new Error(`no chart #${index} (found ${all.length})`);
  return stub;
}

/** Waits for the lazily loaded chart component (and whatever it rendered) to arrive. */
export async function settle(): Promise<void> {
  await vi.dynamicImportSettled();
  await flushPromises();
}
