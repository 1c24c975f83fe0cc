// The ECharts bar chart of the dashboard and the big screen; only the parts
// used are bundled.
import { BarChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { large_text_on } from '../shared/large_text.js';

echarts.use([BarChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

// series: [{name, data: number[]}] over categories; several series are stacked.
// max fixes the value axis (scores out of 100) instead of fitting the data.
// In large-text mode the labels grow with the page's text, and are redrawn when it switches.
export function bar_chart(element, { horizontal = false, font: normal_font = 14, max } = {}) {
  const chart = echarts.init(element);
  window.addEventListener('resize', () => chart.resize());
  let drawn = null;
  const draw = (categories, series) => {
    drawn = [categories, series];
    const font = Math.round(normal_font * (large_text_on() ? 4 / 3 : 1));
    const category_axis = { type: 'category', data: categories, axisLabel: { fontSize: font, interval: 0 } };
    const value_axis = { type: 'value', max, minInterval: 1, axisLabel: { fontSize: font, hideOverlap: true } };
    if (horizontal) category_axis.inverse = true;
    chart.setOption({
      animationDurationUpdate: 500,
      tooltip: { trigger: 'axis' },
      legend: { show: series.length > 1, textStyle: { fontSize: font } },
      grid: { left: 16, right: 48, top: series.length > 1 ? 40 : 16, bottom: 16, containLabel: true },
      xAxis: horizontal ? value_axis : category_axis,
      yAxis: horizontal ? category_axis : value_axis,
      series: series.map((s) => ({
        type: 'bar', name: s.name, data: s.data, stack: series.length > 1 ? 'all' : undefined,
        label: { show: true, position: series.length > 1 ? 'inside' : (horizontal ? 'right' : 'top'), fontSize: font },
      })),
    }, { replaceMerge: ['series'] });
  };
  document.addEventListener('largetextchange', () => {
    if (drawn) draw(...drawn);
  });
  return draw;
}
