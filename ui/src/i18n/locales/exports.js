// Background exports (issue 26): the 导出任务 page, the workbench's export button, and the refusals' reasons.
export default {
  'zh-CN': {
    menu: { exports: '导出任务' },
    exports: {
      title: '导出任务', newExport: '新建导出', kind: '导出内容', format: '格式', state: '状态', progress: '进度',
      rows: '{n} 行', rowsOf: '{n} / {total} 行', requestedBy: '发起人', createdAt: '发起时间', finishedAt: '完成时间',
      filters: '筛选条件', noFilters: '全部', download: '下载', linkExpires: '下载链接 {n} 分钟内有效，过期后刷新即可',
      started: '导出已开始：完成后可在“导出任务”中下载', startedWith: '导出已开始，共 {total} 条订单',
      goToExports: '查看导出任务', ready: '导出完成：{name}', failed: '导出失败：{error}', warehouse: '仓库',
      language: '表头语言', size: '大小', hint: '大量数据在后台导出，完成后生成下载链接（文件保留 7 天）。',
      kinds: { orders: '订单', order_lines: '订单明细', after_sales: '售后单', shipments: '发货记录', stock: '库存', reports: '每日销售报表' },
      states: { queued: '排队中', running: '导出中', done: '已完成', failed: '失败' },
      languages: { zh: '中文', en: '英文' },
      filterNames: {
        shop_id: '店铺', platform: '平台', status: '状态', hold: '挂起原因', held: '仅挂起', erp_handoff: 'ERP 交接',
        order_no: '订单号', tracking_no: '运单号', q: '收件人', sku: 'SKU', date_field: '时间类型', range: '时间范围',
        date_from: '开始日期', date_to: '结束日期', type: '售后类型', deadline_before: '截止时间', carrier_code: '快递公司',
        source: '来源', from: '开始日期', to: '结束日期', warehouse_id: '仓库', by: '分组',
      },
    },
    errors: {
      exports: {
        kind: '不支持的导出内容', format: '导出格式只能是 xlsx 或 csv', language: '表头语言只能是中文或英文',
        filter: '筛选条件有误：{field}', not_found: '导出任务不存在或已过期',
      },
    },
  },
  en: {
    menu: { exports: 'Exports' },
    exports: {
      title: 'Exports', newExport: 'New export', kind: 'What', format: 'Format', state: 'State', progress: 'Progress',
      rows: '{n} rows', rowsOf: '{n} / {total} rows', requestedBy: 'Requested by', createdAt: 'Requested at',
      finishedAt: 'Finished at', filters: 'Filters', noFilters: 'All', download: 'Download',
      linkExpires: 'A download link works for {n} minutes: refresh for a new one',
      started: 'Export started: download it from Exports when it is done', startedWith: 'Export started: {total} orders',
      goToExports: 'Open Exports', ready: 'Export ready: {name}', failed: 'Export failed: {error}', warehouse: 'Warehouse',
      language: 'Header language', size: 'Size', hint: 'Large exports run in the background and end with a download link (files are kept 7 days).',
      kinds: { orders: 'Orders', order_lines: 'Order lines', after_sales: 'After-sales', shipments: 'Shipments', stock: 'Stock', reports: 'Daily sales report' },
      states: { queued: 'Queued', running: 'Running', done: 'Done', failed: 'Failed' },
      languages: { zh: 'Chinese', en: 'English' },
      filterNames: {
        shop_id: 'Shop', platform: 'Platform', status: 'Status', hold: 'Hold', held: 'Held only', erp_handoff: 'ERP hand-off',
        order_no: 'Order no.', tracking_no: 'Tracking no.', q: 'Receiver', sku: 'SKU', date_field: 'Date of', range: 'Range',
        date_from: 'From', date_to: 'To', type: 'Type', deadline_before: 'Deadline before', carrier_code: 'Carrier',
        source: 'Source', from: 'From', to: 'To', warehouse_id: 'Warehouse', by: 'Grouping',
      },
    },
    errors: {
      exports: {
        kind: 'This kind of export is not offered', format: 'The format must be xlsx or csv',
        language: 'The header language must be Chinese or English', filter: 'A filter is wrong: {field}',
        not_found: 'No such export (or it has expired)',
      },
    },
  },
}
