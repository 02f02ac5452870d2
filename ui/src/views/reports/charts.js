// ECharts options for the daily report (GET /admin/reports/daily): plain data in, an option object out.
import { money } from './reportLinks'

const COLORS = ['#409eff', '#67c23a', '#e6a23c', '#f56c6c', '#909399', '#9b59b6', '#1abc9c', '#34495e', '#d35400', '#2c3e50']
const yuanValue = (fen) => Math.round(fen) / 100
const shortDay = (day) => day.slice(5)        // MM-DD: the year is in the range picker

function base(days) {
  return {
    color: COLORS,
    grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: { type: 'category', data: days.map(shortDay) },
  }
}

// The dashboard's chart: sales (yuan, bars) and orders (line, own axis) of all shops per day
export function dailyTotalOption(daily, t) {
  const days = daily?.days || []
  const points = (daily?.series || [])[0]?.points || days.map(() => ({}))
  return {
    ...base(days),
    legend: { top: 0, data: [t('reports.metrics.gmv_fen'), t('reports.metrics.orders')] },
    tooltip: { trigger: 'axis', valueFormatter: undefined, formatter: (items) => tooltip(items, days, t) },
    yAxis: [
      { type: 'value', axisLabel: { formatter: (v) => `¥${v}` }, splitLine: { lineStyle: { type: 'dashed' } } },
      { type: 'value', minInterval: 1, splitLine: { show: false } },
    ],
    series: [
      { name: t('reports.metrics.gmv_fen'), type: 'bar', barMaxWidth: 28, data: points.map((p) => yuanValue(p?.gmv_fen || 0)), cursor: 'pointer' },
      { name: t('reports.metrics.orders'), type: 'line', yAxisIndex: 1, smooth: true, data: points.map((p) => p?.orders || 0), cursor: 'pointer' },
    ],
  }
}

// The reports page: one metric, one stacked bar per shop or platform (or the total) per day
export function dailySeriesOption(daily, metric, label, t) {
  const days = daily?.days || []
  const isMoney = metric.endsWith('_fen')
  return {
    ...base(days),
    legend: { top: 0, type: 'scroll' },
    tooltip: {
      trigger: 'axis', axisPointer: { type: 'shadow' },
      valueFormatter: (v) => (isMoney ? money(Math.round(v * 100)) : String(v)),
    },
    yAxis: { type: 'value', minInterval: isMoney ? 0 : 1, axisLabel: { formatter: (v) => (isMoney ? `¥${v}` : `${v}`) } },
    series: (daily?.series || []).map((s) => ({
      name: label(s), type: 'bar', stack: 'total', barMaxWidth: 36, cursor: 'pointer',
      emphasis: { focus: 'series' },
      data: s.points.map((p) => (isMoney ? yuanValue(p?.[metric] || 0) : p?.[metric] || 0)),
    })),
  }
}

function tooltip(items, days, t) {
  if (!items.length) return ''
  const day = days[items[0].dataIndex] || ''
  const lines = items.map((i) => `${i.marker}${i.seriesName}: ${i.seriesIndex === 0 ? money(Math.round(i.value * 100)) : i.value}`)
  return [day, ...lines, `<span style="color:#909399">${t('reports.clickForOrders')}</span>`].join('<br/>')
}
