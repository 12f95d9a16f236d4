import { Link } from '../components/Link.tsx';
import { PeriodPicker } from '../components/PeriodPicker.tsx';
import { Empty, ErrorState, Loading } from '../components/States.tsx';
import { AdoptionFigure } from '../figures/AdoptionFigure.tsx';
import { ChannelsFigure } from '../figures/ChannelsFigure.tsx';
import { CostFigure } from '../figures/CostFigure.tsx';
import { FunnelFigure } from '../figures/FunnelFigure.tsx';
import { MethodsFigure } from '../figures/MethodsFigure.tsx';
import { TtrFigure } from '../figures/TtrFigure.tsx';
import { periodText } from '../format.ts';
import { useKpis } from '../hooks/useKpis.ts';
import { useLocation } from '../router.ts';

/** Leadership's page: adoption, channels and ticket reduction, time to resolution, cost, methods, funnel. */
export function OverviewPage() {
  const { search } = useLocation();
  const kpis = useKpis(search.get('from'), search.get('to'));
  return (
    <>
      <div className="page-head">
        <h1>Overview</h1>
        <PeriodPicker />
        <Link to="/report" className="button">
          Weekly report
        </Link>
      </div>
      {kpis.error !== undefined && <ErrorState error={kpis.error} what="the KPIs" />}
      {kpis.data === undefined && kpis.error === undefined && <Loading what="the KPIs" />}
      {kpis.data !== undefined && kpis.data.period.from === null && (
        <Empty>
          No data yet: run <code>sspr ingest &lt;exports&gt;</code> (or <code>npm run demo</code>) and reload.
        </Empty>
      )}
      {kpis.data !== undefined && kpis.data.period.from !== null && (
        <>
          <p className="muted">
            {periodText(kpis.data.period)} (UTC). Every number comes with its method; a KPI whose input is missing says why instead of guessing.
          </p>
          <div className="grid">
            <AdoptionFigure report={kpis.data} />
            <ChannelsFigure report={kpis.data} />
            <TtrFigure report={kpis.data} />
            <CostFigure report={kpis.data} />
            <MethodsFigure report={kpis.data} />
            <FunnelFigure report={kpis.data} />
          </div>
        </>
      )}
    </>
  );
}
