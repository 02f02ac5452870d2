// Supplier drop-shipping (分配供应商发货), the supplier's own pages and the stock-up lists (备货清单),
// merged into zh-CN.js / en.js (i18n/index.js). `words`: the API's reason codes and history, in words.
export default {
  'zh-CN': {
    menu: { supplierOrders: '我的代发订单', stockUp: '备货清单' },
    roles: { supplier: '供应商' },
    dropship: {
      assign: '分配供应商发货', assignTitle: '分配给供应商（{n} 个订单）', supplier: '供应商', pickSupplier: '选择供应商',
      takeBack: '收回（由自己发货）', assignHint: '分配后 ERP 不再拉取这些订单，由供应商在供应商账号里录入运单号；已被 ERP 拉取或已发货的订单不能分配。',
      assigned: '代发供应商', none: '自己发货', assignedOk: '已分配', takenBackOk: '已收回',
      orders: '代发订单', open: '待发货', all: '全部', receiver: '收件人', items: '商品', tracking: '运单号', carrier: '快递公司',
      ship: '发货', shipped: '已提交发货', shipSent: '运单号已提交，正在回传平台', upload: '上传运单号文件（.xlsx / .csv）',
      uploadHint: '表头：订单号、快递公司编码、运单号。每行都先检查，有一行不对则整份文件都不录入。',
      uploadOk: '已录入 {n} 行运单号', uploadErrors: '文件有 {n} 行不对，整份文件没有录入：', row: '第 {row} 行', export: '导出 CSV',
      bySupplier: '按供应商', byWarehouse: '按仓库', pickWarehouse: '选择仓库', skuCode: 'SKU 编码', title: '商品', quantity: '需备数量',
      orderCount: '订单数', reserved: '已占用（待拣）', onHand: '实物库存', shortfall: '缺货', ordersTotal: '共 {n} 个待发货订单',
      printHint: '收件人按平台规定显示脱敏信息；需要打印面单时请联系商家用其电子面单账号打印。', shipmentStatus: '回传状态',
      autoRule: '按商品的供应商自动分配', autoRuleHint: '开启后，该店铺审核通过的订单若全部商品属于同一供应商，自动分配给该供应商。',
      supplierOf: '所属供应商',
    },
    shipmentStatus: { pending: '回传中', confirmed: '已回传平台', failed: '回传失败', waybill_issued: '已取号', printed: '已打印', cancelled: '已取消' },
    reconcileJob: { running: '正在核对：已处理 {done} / {total} 个店铺', done: '核对完成：{n} 处差异', queued: '已开始核对' },
  },
  en: {
    menu: { supplierOrders: 'My drop-ship orders', stockUp: 'Stock-up lists' },
    roles: { supplier: 'Supplier' },
    dropship: {
      assign: 'Assign to a supplier', assignTitle: 'Assign to a supplier ({n} orders)', supplier: 'Supplier', pickSupplier: 'Choose a supplier',
      takeBack: 'Take back (ship it ourselves)', assignHint: 'Assigned orders are no longer taken by the ERP; the supplier enters their tracking numbers in its own account. Orders the ERP took or that shipped cannot be assigned.',
      assigned: 'Drop-ship supplier', none: 'Shipped by us', assignedOk: 'Assigned', takenBackOk: 'Taken back',
      orders: 'Drop-ship orders', open: 'To ship', all: 'All', receiver: 'Receiver', items: 'Items', tracking: 'Tracking no.', carrier: 'Carrier',
      ship: 'Ship', shipped: 'Shipment submitted', shipSent: 'Tracking number submitted: it is being sent to the platform', upload: 'Upload tracking numbers (.xlsx / .csv)',
      uploadHint: 'Header: 订单号 (order_no), 快递公司编码 (carrier_code), 运单号 (tracking_no). Every row is checked first: one wrong row and nothing is entered.',
      uploadOk: '{n} tracking numbers entered', uploadErrors: '{n} rows are wrong, so nothing was entered:', row: 'Row {row}', export: 'Export CSV',
      bySupplier: 'By supplier', byWarehouse: 'By warehouse', pickWarehouse: 'Choose a warehouse', skuCode: 'SKU code', title: 'Item', quantity: 'To stock',
      orderCount: 'Orders', reserved: 'Reserved (to pick)', onHand: 'On hand', shortfall: 'Short', ordersTotal: '{n} orders to ship',
      printHint: 'Receivers are masked as the platform requires; waybills that need the full address are printed by the seller with its waybill account.', shipmentStatus: 'Ship-back',
      autoRule: 'Assign by the SKUs\' supplier', autoRuleHint: 'When on, a reviewed order of this shop whose items all come from one supplier goes to that supplier.',
      supplierOf: 'Supplier',
    },
    shipmentStatus: { pending: 'Sending', confirmed: 'On the platform', failed: 'Failed', waybill_issued: 'Waybill issued', printed: 'Printed', cancelled: 'Cancelled' },
    reconcileJob: { running: 'Reconciling: {done} / {total} shops done', done: 'Reconcile finished: {n} differences', queued: 'Reconcile started' },
  },
}

export const words = {
  'zh-CN': {
    errors: {
      'dropship.unknown_supplier': '供应商不存在', 'dropship.supplier_disabled': '该供应商已停用',
      'dropship.order_not_open': '只有未发货的订单可以分配给供应商或由供应商发货', 'dropship.erp_taken': 'ERP 已拉取该订单：请先在 ERP 撤回',
      'dropship.not_assigned': '没有分配给你的这个订单', 'dropship.no_order': '订单不存在', 'dropship.unknown_shop': '店铺不存在',
      'dropship.bad_file': '文件无法读取：请上传 .xlsx 或 UTF-8 的 .csv', 'dropship.bad_header': '表头需要：订单号、快递公司编码、运单号',
      'dropship.too_many_rows': '每个文件最多 500 行', 'dropship.bad_carrier': '快递公司编码不正确', 'dropship.bad_tracking': '运单号须为 4-40 位字母、数字或 -',
      'user.supplier_for_role': '只有供应商账号需要选择供应商',
    },
    history: { dropAssigned: '分配给供应商 {name} 代发', dropRule: '按商品的供应商自动分配给 {name} 代发', dropTakenBack: '从供应商收回，由自己发货' },
    actors: { dropship: '系统（供应商代发）' },
  },
  en: {
    errors: {
      'dropship.unknown_supplier': 'No such supplier', 'dropship.supplier_disabled': 'This supplier is disabled',
      'dropship.order_not_open': 'Only an order that has not shipped can be given to or shipped by a supplier', 'dropship.erp_taken': 'The ERP has taken this order: withdraw it there first',
      'dropship.not_assigned': 'No such order assigned to you', 'dropship.no_order': 'No such order', 'dropship.unknown_shop': 'No such shop',
      'dropship.bad_file': 'The file cannot be read: upload an .xlsx or a UTF-8 .csv', 'dropship.bad_header': 'The header needs 订单号 (order_no), 快递公司编码 (carrier_code) and 运单号 (tracking_no)',
      'dropship.too_many_rows': 'At most 500 rows per file', 'dropship.bad_carrier': 'Unknown carrier code', 'dropship.bad_tracking': 'A tracking number is 4-40 letters, digits or -',
      'user.supplier_for_role': 'Only a supplier user names a supplier',
    },
    history: { dropAssigned: 'Assigned to supplier {name} to drop-ship', dropRule: 'Assigned to supplier {name} by its SKUs', dropTakenBack: 'Taken back from the supplier: we ship it' },
    actors: { dropship: 'System (drop-shipping)' },
  },
}
