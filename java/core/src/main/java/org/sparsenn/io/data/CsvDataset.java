package org.sparsenn.io.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.sparsenn.io.RegularFiles;

/**
 * A classification set from a CSV file: one example per line, comma-separated numbers, one
 * column of which is the integer class label and the others the features, in order. The first
 * line is a header when any of its fields is not a number. Blank lines are skipped; quoting is
 * not supported (numeric data needs none).
 */
public final class CsvDataset {
  private CsvDataset() {}

  /**
   * Reads {@code file}.
   *
   * @param labelColumn the label column: a 0-based index, a header name, or null for the last
   *     column
   * @throws DatasetFormatException naming the file and line if a field is not a number, a label
   *     is not a non-negative integer, lines differ in length, the label column does not exist,
   *     or there are no examples
   * @throws UncheckedIOException if the file does not exist, is not a regular file (a FIFO or
   *     device) or cannot be read
   */
  public static Dataset read(Path file, String labelColumn) {
    RegularFiles.require(file);
    List<float[]> rows = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    int label = -1;
    int width = -1;
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int lineNumber = 0;
      while ((line = reader.readLine()) != null) {
        lineNumber++;
        if (line.isBlank()) {
          continue;
        }
        String[] fields = line.split(",", -1);
        if (width < 0) {
          width = fields.length;
          if (width < 2) {
            throw new DatasetFormatException(file + ":" + lineNumber
                + ": a CSV data set needs a label column and at least one feature column");
          }
          boolean header = !allNumbers(fields);
          label = labelIndex(file, labelColumn, header ? fields : null, width);
          if (header) {
            continue;
          }
        }
        if (fields.length != width) {
          throw new DatasetFormatException(file + ":" + lineNumber + ": " + fields.length
              + " fields, the first line has " + width);
        }
        float[] features = new float[width - 1];
        for (int c = 0, f = 0; c < width; c++) {
          String field = fields[c].trim();
          if (c == label) {
            labels.add(parseLabel(file, lineNumber, field));
          } else {
            features[f++] = parseNumber(file, lineNumber, c, field);
          }
        }
        rows.add(features);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    if (rows.isEmpty()) {
      throw new DatasetFormatException(file + ": no examples");
    }
    int[] classes = new int[labels.size()];
    for (int i = 0; i < classes.length; i++) {
      classes[i] = labels.get(i);
    }
    return Dataset.classification(rows.toArray(new float[0][]), classes);
  }

  private static int labelIndex(Path file, String labelColumn, String[] header, int width) {
    if (labelColumn == null || labelColumn.isBlank()) {
      return width - 1;
    }
    String wanted = labelColumn.trim();
    if (header != null) {
      for (int c = 0; c < header.length; c++) {
        if (header[c].trim().equals(wanted)) {
          return c;
        }
      }
    }
    try {
      int index = Integer.parseInt(wanted);
      if (index >= 0 && index < width) {
        return index;
      }
      throw new DatasetFormatException(file + ": label column " + index + " does not exist ("
          + width + " columns)");
    } catch (NumberFormatException e) {
      throw new DatasetFormatException(file + ": no column named '" + wanted + "'"
          + (header == null ? " (the file has no header line)" : ""));
    }
  }

  private static boolean allNumbers(String[] fields) {
    for (String field : fields) {
      try {
        Float.parseFloat(field.trim());
      } catch (NumberFormatException e) {
        return false;
      }
    }
    return true;
  }

  private static float parseNumber(Path file, int line, int column, String field) {
    try {
      return Float.parseFloat(field);
    } catch (NumberFormatException e) {
      throw new DatasetFormatException(file + ":" + line + ": column " + column
          + " is not a number: '" + field + "'");
    }
  }

  private static int parseLabel(Path file, int line, String field) {
    try {
      double value = Double.parseDouble(field);
      if (value >= 0 && value <= Integer.MAX_VALUE && value == Math.rint(value)) {
        return (int) value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new DatasetFormatException(file + ":" + line
        + ": label is not a non-negative integer: '" + field + "'");
  }
}
