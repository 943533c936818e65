resource "aws_security_group" "bastion" {
  # sakura-guard:ignore NET-SSH-OPEN bastion host, reached only via MFA jump; reviewed 2026-11
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group" "lazy" {
  ingress {
    from_port   = 3389
    to_port     = 3389
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"] # sakura-guard:ignore NET-RDP-OPEN
  }
}

resource "aws_instance" "b" {
  vpc_security_group_ids = [aws_security_group.bastion.id, aws_security_group.lazy.id]
}
