/**
 * The parts of ECharts the app draws with, registered once: bars on a grid, drawn on canvas.
 * Importing from `echarts/core` keeps the rest of the library out of the bundle. Tooltips are
 * drawn on the canvas too (renderMode 'richText' in every option): the HTML tooltip writes
 * style attributes through innerHTML, which the app's CSP refuses. Legends are HTML beside the
 * chart (readable text, and one ECharts component less in the bundle).
 */
import { BarChart } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import { use, type ComposeOption } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import type { BarSeriesOption } from 'echarts/charts';
import type { GridComponentOption, TooltipComponentOption } from 'echarts/components';

use([CanvasRenderer, BarChart, GridComponent, TooltipComponent]);

export type ChartOption = ComposeOption<BarSeriesOption | GridComponentOption | TooltipComponentOption>;
