import { describe, expect, it } from 'vitest';
import { CliError } from './exit-codes.js';
import { renderCommandHelp, renderMainHelp } from './help.js';
import { COMMAND_OPTIONS, COMMANDS, OPTIONS, parseCommandLine } from './options.js';

describe('parseCommandLine', () => {
  it('reads the command, the folder and repeatable options', () => {
    const parsed = parseCommandLine([
      'scan',
      'repo',
      '--format',
      'json=out.json',
      '-f',
      'table',
      '--ignore-unfixed',
    ]);
    expect(parsed.command).toBe('scan');
    expect(parsed.dir).toBe('repo');
    expect(parsed.values.format).toEqual(['json=out.json', 'table']);
    expect(parsed.values['ignore-unfixed']).toBe(true);
  });

  it('defaults the folder to the working directory', () => {
    expect(parseCommandLine(['images']).dir).toBe('.');
  });

  it('rejects an unknown command, naming the commands it knows', () => {
    expect(() => parseCommandLine(['scna'])).toThrowError(
      /unknown command "scna": expected one of scan, images, graph, gate/,
    );
  });

  it("rejects another command's option", () => {
    expect(() => parseCommandLine(['images', '--server', 'http://x'])).toThrowError(CliError);
    expect(() => parseCommandLine(['images', '--server', 'http://x'])).toThrowError(
      /^Unknown option '--server' \(see sluice images --help\)$/,
    );
  });

  it('rejects a second folder', () => {
    expect(() => parseCommandLine(['scan', 'a', 'b'])).toThrowError(/at most one folder, got: a b/);
  });

  it('rejects an option without its value', () => {
    expect(() => parseCommandLine(['scan', '--severity'])).toThrowError(/--severity/);
  });
});

describe('help', () => {
  it('documents every option of every command, with examples', () => {
    for (const command of COMMANDS) {
      const help = renderCommandHelp(command);
      expect(help).toContain(`Usage: sluice ${command}`);
      expect(help).toContain('Examples:');
      for (const option of COMMAND_OPTIONS[command]) {
        expect(help).toContain(`--${option}`);
        expect(help).toContain(OPTIONS[option].help);
      }
    }
  });

  it('lists the commands and exit codes', () => {
    const help = renderMainHelp();
    for (const command of COMMANDS) expect(help).toMatch(new RegExp(`^  ${command} `, 'm'));
    expect(help).toContain('3  the scanner could not run');
  });
});
