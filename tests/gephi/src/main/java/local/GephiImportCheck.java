package local;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.gephi.graph.api.AttributeUtils;
import org.gephi.graph.api.Edge;
import org.gephi.graph.api.Graph;
import org.gephi.graph.api.GraphController;
import org.gephi.graph.api.GraphModel;
import org.gephi.graph.api.Element;
import org.gephi.graph.api.Interval;
import org.gephi.graph.api.types.IntervalSet;
import org.gephi.graph.api.types.TimestampSet;
import org.gephi.io.importer.api.Container;
import org.gephi.io.importer.api.ImportController;
import org.gephi.io.importer.api.Issue;
import org.gephi.io.processor.plugin.AppendProcessor;
import org.gephi.io.processor.plugin.DefaultProcessor;
import org.gephi.project.api.ProjectController;
import org.gephi.project.api.Workspace;
import org.openide.util.Lookup;

/**
 * Imports files with the Gephi toolkit as Gephi desktop would, with every import setting left at its default,
 * and prints what Gephi made of them as one JSON object on stdout.
 *
 * <pre>
 * java -jar gephi-import-check.jar gexf FILE [--at DATE]...
 * java -jar gephi-import-check.jar graphml FILE [--at DATE]...
 * java -jar gephi-import-check.jar csv NODES.csv EDGES.csv [--at DATE]...
 * </pre>
 *
 * The CSV pair goes through the spreadsheet importer: the nodes table into a new workspace, then the edges
 * table appended to it (Gephi's "Append to existing workspace"), with the column types Gephi detects. `--at`
 * lists the edges Gephi's timeline shows on that day. Any import issue of level SEVERE or CRITICAL, or an
 * exception, ends the run with status 1.
 */
public final class GephiImportCheck {

    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        if (args.length < 2) {
            System.err.println("usage: (gexf|graphml) FILE | csv NODES EDGES, then [--at DATE]...");
            System.exit(2);
        }
        String format = args[0];
        List<File> files = new ArrayList<>();
        List<String> days = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--at")) {
                days.add(args[++i]);
            } else {
                files.add(new File(args[i]));
            }
        }
        ProjectController projects = Lookup.getDefault().lookup(ProjectController.class);
        projects.newProject();
        Workspace workspace = projects.getCurrentWorkspace();
        ImportController importer = Lookup.getDefault().lookup(ImportController.class);

        List<String> issues = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            Container container = importer.importFile(files.get(i));
            if (container == null) {
                throw new IllegalStateException("Gephi found no importer for " + files.get(i));
            }
            // The first file opens the graph; later ones (the CSV edges table) are appended to it.
            importer.process(container, i == 0 ? new DefaultProcessor() : new AppendProcessor(), workspace);
            for (Issue issue : container.getReport().getIssuesList(Integer.MAX_VALUE)) {
                if (issue.getLevel() == Issue.Level.SEVERE || issue.getLevel() == Issue.Level.CRITICAL) {
                    issues.add(issue.getLevel() + ": " + issue.getMessage());
                }
            }
        }

        GraphModel model = Lookup.getDefault().lookup(GraphController.class).getGraphModel(workspace);
        Graph graph = model.getGraph();
        StringBuilder out = new StringBuilder();
        out.append("{\"format\": ").append(json(format));
        out.append(", \"nodes\": ").append(graph.getNodeCount());
        out.append(", \"edges\": ").append(graph.getEdgeCount());
        int directed = 0;
        Map<String, Integer> kinds = new TreeMap<>();
        List<String> edges = new ArrayList<>();
        for (Edge e : graph.getEdges()) {
            directed += e.isDirected() ? 1 : 0;
            String kind = String.valueOf(e.getTypeLabel());
            kinds.merge(kind, 1, Integer::sum);
            edges.add("{\"id\": " + json(String.valueOf(e.getId())) + ", \"source\": " + json(String.valueOf(e.getSource().getId()))
                + ", \"target\": " + json(String.valueOf(e.getTarget().getId())) + ", \"directed\": " + e.isDirected()
                + ", \"kind\": " + json(kind) + ", \"label\": " + json(e.getLabel()) + "}");
        }
        out.append(", \"directed\": ").append(directed);
        out.append(", \"undirected\": ").append(graph.getEdgeCount() - directed);
        out.append(", \"dynamic\": ").append(model.isDynamic());
        int timed = 0;
        for (Edge e : graph.getEdges()) {
            timed += e.getAttribute("timeset") != null ? 1 : 0;
        }
        out.append(", \"timed_edges\": ").append(timed);
        out.append(", \"time_representation\": ").append(json(String.valueOf(model.getConfiguration().getTimeRepresentation())));
        Interval bounds = model.getTimeBounds();
        out.append(", \"timeline\": {\"first\": ").append(day(bounds.getLow()))
            .append(", \"last\": ").append(day(bounds.getHigh())).append("}");
        out.append(", \"kinds\": {");
        String sep = "";
        for (Map.Entry<String, Integer> k : kinds.entrySet()) {
            out.append(sep).append(json(k.getKey())).append(": ").append(k.getValue());
            sep = ", ";
        }
        out.append("}, \"at\": {");
        sep = "";
        for (String d : days) {
            double t = AttributeUtils.parseDateTime(d, model.getTimeZone());
            List<String> alive = new ArrayList<>();
            for (Edge e : graph.getEdges()) {
                if (onTimeline(e, new Interval(t, t))) {
                    alive.add(json(String.valueOf(e.getId())));
                }
            }
            out.append(sep).append(json(d)).append(": [").append(String.join(", ", alive)).append("]");
            sep = ", ";
        }
        out.append("}, \"issues\": [");
        sep = "";
        for (String issue : issues) {
            out.append(sep).append(json(issue));
            sep = ", ";
        }
        out.append("], \"edge_list\": [").append(String.join(", ", edges)).append("]}");
        System.out.println(out);
        System.out.flush();
        System.exit(issues.isEmpty() ? 0 : 1);
    }

    /**
     * Whether Gephi's timeline (the dynamic range filter, FiltersPlugin DynamicRangeBuilder in 0.10.1) shows the
     * element in the window: one of its intervals or timestamps falls in it, or it has none and the filter's default
     * "keep null" holds.
     */
    private static boolean onTimeline(Element element, Interval window) {
        Object timeSet = element.getAttribute("timeset");
        if (timeSet == null) {
            return true;
        }
        if (timeSet instanceof IntervalSet intervals) {
            for (Interval i : intervals.toArray()) {
                if (window.compareTo(i) == 0) {
                    return true;
                }
            }
            return false;
        }
        for (double stamp : ((TimestampSet) timeSet).toPrimitiveArray()) {
            if (window.compareTo(stamp) == 0) {
                return true;
            }
        }
        return false;
    }

    private static String day(double t) {
        return Double.isInfinite(t) ? json(t > 0 ? "Infinity" : "-Infinity") : json(AttributeUtils.printDate(t));
    }

    private static String json(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
