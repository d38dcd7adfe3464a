package org.quant4j.cli.console;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Rows of text printed in aligned columns, indented by two spaces; the last column is not padded,
 * so long reasons do not drag trailing spaces. Columns whose header is given are preceded by a
 * header row.
 */
public final class TextTable {

    private final String[] header;
    private final List<String[]> rows = new ArrayList<>();

    /** A table with a header row. */
    public static TextTable withHeader(String... header) {
        return new TextTable(header.clone());
    }

    /** A table without a header row. */
    public static TextTable plain() {
        return new TextTable(null);
    }

    private TextTable(String[] header) {
        this.header = header;
    }

    /** Adds a row; {@code null} cells print as empty. */
    public TextTable row(Object... cells) {
        String[] text = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            text[i] = cells[i] == null ? "" : cells[i].toString();
        }
        rows.add(text);
        return this;
    }

    public boolean isEmpty() {
        return rows.isEmpty();
    }

    /** Prints the table to {@code out}. */
    public void print(PrintWriter out) {
        List<String[]> all = new ArrayList<>();
        if (header != null) {
            all.add(header);
        }
        all.addAll(rows);
        int columns = all.stream().mapToInt(r -> r.length).max().orElse(0);
        int[] widths = new int[columns];
        for (String[] r : all) {
            for (int c = 0; c < r.length; c++) {
                widths[c] = Math.max(widths[c], r[c].length());
            }
        }
        for (String[] r : all) {
            StringBuilder line = new StringBuilder("  ");
            for (int c = 0; c < r.length; c++) {
                boolean last = c == r.length - 1;
                line.append(last ? r[c] : pad(r[c], widths[c])).append(last ? "" : "  ");
            }
            out.println(line.toString().stripTrailing());
        }
    }

    private static String pad(String s, int width) {
        char[] spaces = new char[Math.max(0, width - s.length())];
        Arrays.fill(spaces, ' ');
        return s + new String(spaces);
    }
}
