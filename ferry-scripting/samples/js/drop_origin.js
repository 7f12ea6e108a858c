// Drops every transaction that entered replication at one service (its origin), for example to
// keep a site's own changes from coming back to it. Reads: param.origin (required).
let origin;

function prepare(ctx) {
  origin = ctx.settings.origin;
  if (!origin) throw new Error("set param.origin");
}

function filter(tx) {
  if (tx.origin === origin) tx.drop();
}
