"""The Taobao sandbox: the gateway app plus the control surface tests and the local runtime drive."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from local.sandbox.core import (
    Clock,
    Faults,
    SandboxRequest,
    SandboxResponse,
    SandboxShop,
    TruthAfterSale,
    TruthOrder,
    system_clock,
)
from local.sandbox.taobao import actions, apis_after, datagen, oauth
from local.sandbox.taobao.gateway import Router
from local.sandbox.taobao.model import Trade
from local.sandbox.taobao.store import APP_KEY, APP_SECRET, Store


class TaobaoSandbox:
    platform = "taobao"

    def __init__(self, seed: int = 1, clock: Clock | None = None, faults: Faults | None = None) -> None:
        self.faults = faults or Faults()
        self.store = Store(seed, clock or system_clock)
        self.router = Router(self.store, self.faults)
        self._lock = threading.RLock()  # the HTTP server is threaded; the state is not

    def handle(self, request: SandboxRequest) -> SandboxResponse:
        path = request.path.rstrip("/")
        with self._lock:
            if path == "/router/rest":
                return self.router.handle(request)
            if path == "/authorize":
                return oauth.authorize(self.store, request)
            if path == "/token":
                return oauth.token(self.store, request)
        return SandboxResponse.json({"error": "not_found", "path": request.path}, status=404)

    # ------------------------------------------------------------ shops and orders
    def add_shop(self) -> SandboxShop:
        with self._lock:
            seller = self.store.add_seller()
            grant = self.store.issue_grant(seller.seller_id)
        return SandboxShop(
            platform=self.platform,
            seller_id=seller.seller_id,
            app_key=APP_KEY,
            app_secret=APP_SECRET,
            access_token=grant.access_token,
            refresh_token=grant.refresh_token,
            extra={"seller_nick": seller.nick},
        )

    def generate_orders(self, seller_id: str, count: int, start: datetime, end: datetime) -> list[str]:
        with self._lock:
            seller = self.store.seller(seller_id)
            first = start.replace(microsecond=0) + (timedelta(seconds=1) if start.microsecond else timedelta())
            span = max(1, int((end - first).total_seconds()))
            tids = []
            for _ in range(count):
                modified = first + timedelta(seconds=self.store.rng.randrange(span))
                trade = self._new_trade(seller_id, modified)
                self.store.save_trade(seller, trade, "TradeCreate", at=modified)
                if trade.pay_time:
                    self.store.publish_trade(seller, trade, "TradeBuyerPay")
                tids.append(str(trade.tid))
            return tids

    def _new_trade(self, seller_id: str, modified: datetime) -> Trade:
        seller = self.store.seller(seller_id)
        tid = self.store.new_tid()
        oids = [tid * 10 + n + 1 for n in range(self.store.rng.choice([1, 1, 1, 2, 2, 3]))]
        return datagen.trade(self.store.gen, seller.items, (tid, oids), (seller.seller_id, seller.nick), modified)

    def touch_order(self, seller_id: str, order_no: str, at: datetime) -> None:
        with self._lock:
            seller = self.store.seller(seller_id)
            trade = actions.find_trade(seller, int(order_no))
            self.store.save_trade(seller, trade, "TradeChanged", at=at.replace(microsecond=0))

    def truth_orders(self, seller_id: str) -> dict[str, TruthOrder]:
        with self._lock:
            return {str(t.tid): _truth(t) for t in self.store.seller(seller_id).trades.values()}

    # ------------------------------------------------------------ tokens
    def expire_token(self, seller_id: str) -> None:
        with self._lock:
            for grant in self.store.grants.values():
                if grant.seller_id == seller_id:
                    grant.expires_at = self.store.now() - timedelta(seconds=1)

    def kill_refresh_token(self, seller_id: str) -> None:
        with self._lock:
            for token in [t for t, g in self.store.refresh_grants.items() if g.seller_id == seller_id]:
                del self.store.refresh_grants[token]

    def authorization_code(self, seller_id: str) -> str:
        """What /authorize would hand the redirect URI for this seller."""
        with self._lock:
            return oauth.issue_code(self.store, self.store.seller(seller_id).seller_id)

    # ------------------------------------------------------------ after-sales
    def request_after_sale(self, seller_id: str, order_no: str, kind: str) -> str:
        with self._lock:
            seller = self.store.seller(seller_id)
            return str(actions.request_refund(self.store, seller, int(order_no), kind).refund_id)

    def buyer_return_goods(
        self, seller_id: str, case_id: str, company: str = "中通快递", tracking_no: str = "78123456789012"
    ) -> None:
        with self._lock:
            actions.buyer_returns(self.store, self.store.seller(seller_id), int(case_id), (company, tracking_no))

    def advance_tracking(self, seller_id: str, waybill_no: str, to: str = "delivered") -> str:
        """Test hook: the parcel moves on (delivered / exception) at the sandbox clock's now."""
        with self._lock:
            found = apis_after.parcel_by_waybill(self.store.seller(seller_id), waybill_no)
            if found is None:
                raise KeyError(f"no parcel {waybill_no} shipped by {seller_id}")
            self.store.tracks.ensure(*found)
            return self.store.tracks.advance(waybill_no, self.store.now(), to).state

    def buyer_close_after_sale(self, seller_id: str, case_id: str) -> None:
        with self._lock:
            actions.close_refund(self.store, self.store.seller(seller_id), int(case_id))

    def truth_after_sales(self, seller_id: str) -> dict[str, TruthAfterSale]:
        with self._lock:
            return {
                str(r.refund_id): TruthAfterSale(
                    case_id=str(r.refund_id),
                    order_no=str(r.tid),
                    seller_id=seller_id,
                    platform_type=r.dispute_type,
                    platform_status=r.status,
                    modified_at=r.modified,
                    refund_fen=r.refund_fee,
                )
                for r in self.store.seller(seller_id).refunds.values()
            }

    # ------------------------------------------------------------ stock, waybills, TMC
    def truth_stock(self, seller_id: str) -> dict[str, int]:
        with self._lock:
            items = self.store.seller(seller_id).items.values()
            return {str(sku.sku_id): sku.quantity for item in items for sku in item.skus}

    def truth_waybills(self, seller_id: str) -> dict[str, tuple[str, ...]]:
        with self._lock:
            waybills = self.store.seller(seller_id).waybills.values()
            return {w.code: w.order_nos for w in waybills if not w.cancelled}

    def tmc_pending(self) -> int:
        with self._lock:
            return self.store.tmc.pending()


def _truth(trade: Trade) -> TruthOrder:
    shipped = sorted(
        (line for line in trade.lines if line.invoice_no),
        key=lambda line: (line.consign_time or trade.created, line.oid),
    )
    last = shipped[-1] if shipped else None
    return TruthOrder(
        order_no=str(trade.tid),
        seller_id=trade.seller_id,
        platform_status=trade.status,
        modified_at=trade.modified,
        line_ids=tuple(str(line.oid) for line in trade.lines),
        paid_fen=trade.payment,
        carrier_code=last.company_code if last else "",
        tracking_no=last.invoice_no if last else "",
        seller_memo=trade.seller_memo,
    )


def create_sandbox(seed: int = 1, clock: Clock | None = None, faults: Faults | None = None) -> TaobaoSandbox:
    return TaobaoSandbox(seed=seed, clock=clock, faults=faults)
