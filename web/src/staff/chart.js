// The ECharts bar chart of the dashboard and the big screen; only the parts
// used are bundled.
import { BarChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([BarChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

// series: [{name, data: number[]}] over categories; several series are stacked.
// max fixes the value axis (scores out of 100) instead of fitting the data.
export function bar_chart(element, { horizontal = false, font = 14, max } = {}) {
  const chart = echarts.init(element);
  window.addEventListener('resize', () => chart.resize());
  return (categories, series) => {
    const category_axis = { type: 'category', data: categories, axisLabel: { fontSize: font, interval: 0 } };
    const value_axis = { type: 'value', max, minInterval: 1, axisLabel: { fontSize: font } };
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
}
