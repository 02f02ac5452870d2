// The printing desk's strings (#21, #22): the 待打单 / 已打单未发货 tabs of the orders list, the waybill an order took.
export default {
  'zh-CN': {
    orders: {
      tabs: { to_print: '待打单', printed: '已打单未发货' },
      printTabHint: { to_print: '已审核、未挂起、待发货、还没有运单号的订单', printed: '已取运单号、还未发货的订单（含取号后被挂起的，需拦截）' },
      waybillNo: '运单号',
      manualWaybillHint: '手工订单：请选择一个淘宝（菜鸟）或拼多多店铺的面单账号，收件人以明文交给该平台取号',
    },
  },
  en: {
    orders: {
      tabs: { to_print: 'To print', printed: 'Printed, not shipped' },
      printTabHint: { to_print: 'Reviewed, not held, awaiting shipment, no waybill yet', printed: 'A waybill taken, not shipped yet (held since, too: to intercept)' },
      waybillNo: 'Waybill no.',
      manualWaybillHint: 'Manual orders: choose a Taobao (Cainiao) or Pinduoduo shop\'s account; the receiver goes to that platform in plaintext',
    },
  },
}
