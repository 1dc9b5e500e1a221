package factory

import "math/rand/v2"

// woPlan is one planned product work order: products finished products of a
// family, and extra PCBAs beyond them (the remainder of the unit budget).
type woPlan struct {
	fam      *family
	products int
	extra    int
}

// planIter yields the work orders of a run in order, families in turn, until
// the unit budget is spent. It has its own random source so that a copy can
// be run ahead to count the products of the whole run.
type planIter struct {
	r          *rand.Rand
	families   []*family
	rem        int
	i          int
	qMin, qMax int
}

func newPlan(cfg Config, cat *catalog) planIter {
	qMax := min(1500, max(20, cfg.Units/16))
	return planIter{
		r:        rand.New(rand.NewPCG(cfg.Seed, 0x51a7e0f)),
		families: cat.families,
		rem:      cfg.Units,
		qMin:     min(200, max(1, qMax/3)),
		qMax:     qMax,
	}
}

// next returns the next work order of the plan, or false when the budget is spent.
func (p *planIter) next() (woPlan, bool) {
	if p.rem <= 0 {
		return woPlan{}, false
	}
	f := p.families[p.i%len(p.families)]
	p.i++
	per := 2 + len(f.modules) // PCBA, modules, product
	q := p.qMin + p.r.IntN(p.qMax-p.qMin+1)
	extra := 0
	if q*per > p.rem {
		q = p.rem / per
		extra = p.rem - q*per
	}
	p.rem -= q*per + extra
	return woPlan{fam: f, products: q, extra: extra}, true
}

// release opens the planned work orders, in plan order, as soon as their
// family's SMT line has finished the family's previous boards and its final
// assembly has at most one order open.
func (g *gen) release() {
	for {
		if g.pending == nil {
			wo, ok := g.plan.next()
			if !ok {
				return
			}
			g.pending = &wo
		}
		fa := g.fas[g.pending.fam.idx]
		if fa.smtOpen > 0 || len(fa.orders) > 1 {
			return
		}
		g.openWorkOrders(*g.pending)
		g.pending = nil
	}
}

// openWorkOrders queues the SMT orders (PCBAs, each module) and the final
// assembly order of one planned work order.
func (g *gen) openWorkOrders(wo woPlan) {
	f := wo.fam
	line := g.lines[f.line]
	fa := g.fas[f.idx]
	if n := wo.products + wo.extra; n > 0 {
		line.queue = append(line.queue, &smtOrder{wo: g.newWO(), fam: f, remaining: n})
		fa.smtOpen++
	}
	if wo.products == 0 {
		return
	}
	for _, m := range f.modules {
		line.queue = append(line.queue, &smtOrder{wo: g.newWO(), fam: f, mod: m, remaining: wo.products})
		fa.smtOpen++
	}
	fa.orders = append(fa.orders, &faOrder{wo: g.newWO(), remaining: wo.products})
}

// queueSpares builds n more PCBAs (service spares) on the first line so the
// run makes exactly Config.Units units even after scrap and rework.
func (g *gen) queueSpares(n int) {
	f := g.cat.families[0]
	g.lines[f.line].queue = append(g.lines[f.line].queue, &smtOrder{wo: g.newWO(), fam: f, remaining: n})
	g.fas[f.idx].smtOpen++
}

func (g *gen) newWO() string {
	g.seq.wo++
	g.sum.WorkOrders++
	return g.key("WO", 2600000+g.seq.wo, 7)
}
