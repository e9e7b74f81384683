package io.convspark.jobs;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code convspark}: the command line. Each sub-command has {@code --help}. */
@Command(name = "convspark", mixinStandardHelpOptions = true, version = "convspark 0.1.0",
        description = "Train and score convolutional networks, in one JVM or on Spark.",
        subcommands = {TrainCommand.class, EvaluateCommand.class, PredictCommand.class, SummaryCommand.class,
                BenchCommand.class, FetchDataCommand.class, ExportImagesCommand.class})
public final class ConvsparkCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "missing command: train, evaluate, predict, summary, bench, fetch-data or export-images");
    }

    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new ConvsparkCli());
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof UserError || ex instanceof IllegalArgumentException
                    || ex instanceof io.convspark.kernels.model.ModelBuildException
                    || ex instanceof java.io.IOException) {
                commandLine.getErr().println("convspark " + commandLine.getCommandName() + ": error: "
                        + ex.getMessage());
                return 2;
            }
            throw ex;
        });
        try {
            JobConfig.install(cli, args);
        } catch (UserError e) {
            cli.getErr().println("convspark " + (args.length > 0 ? args[0] : "") + ": error: " + e.getMessage());
            return 2;
        }
        return cli.execute(args);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }
}
